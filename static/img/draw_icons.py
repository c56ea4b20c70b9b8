"""
Draws the PNG app icons beside this file from the same shapes as favicon.svg: a white drop with a cross on the
brand blue. Run it again after changing the mark: `.venv/bin/python static/img/draw_icons.py`.
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BRAND = (0, 90, 140, 255)
WHITE = (255, 255, 255, 255)
SCALE = 8  # drawn large and scaled down, for smooth edges


def mark(size, *, maskable=False):
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:  # platforms crop maskable icons to their own shape: fill it all, keep the drop in the safe zone
        draw.rectangle([0, 0, big, big], fill=BRAND)
        inset, unit = big * 0.1, big * 0.8 / 64
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 14 / 64, fill=BRAND)
        inset, unit = 0, big / 64

    def at(x, y):
        return inset + x * unit, inset + y * unit

    # The drop: a circle of radius 17 around (32, 40) under a point at (32, 9).
    draw.ellipse([*at(15, 23), *at(49, 57)], fill=WHITE)
    draw.polygon([at(32, 9), at(16.2, 34), at(47.8, 34)], fill=WHITE)
    # The cross.
    draw.rectangle([*at(28.5, 31), *at(35.5, 51)], fill=BRAND)
    draw.rectangle([*at(22, 37.5), *at(42, 44.5)], fill=BRAND)
    return image.resize((size, size), Image.LANCZOS)


def main():
    for name, size, maskable in [
        ("favicon-32.png", 32, False),
        ("apple-touch-icon.png", 180, True),
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ]:
        mark(size, maskable=maskable).save(HERE / name, optimize=True)


if __name__ == "__main__":
    main()
