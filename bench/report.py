"""
The bench's Markdown report: machine facts, a table per dataset size, and the issue's targets marked
met or missed with the measured figure. Pure functions of the results ``python -m bench`` collects:

    {"machine": {...}, "settings": {...}, "ceiling": {"rps", "p50_ms", "p99_ms", "runs"},
     "sizes": [{"size": 100, "counts": {...}, "pages": {name: path},
                "cold": {name: {"rps", "p50_ms", "p99_ms", "requests", "errors", "queries", "bytes", "status",
                                "single_ms"}},
                "warm": {...},
                "ceilings": {"cold": {"rps", "p50_ms", ...}, "warm": {...}}}, ...]}

``rps`` is requests per second; ``p50_ms`` is None when no request completed within the run. ``ceilings`` are
the bare view's medians measured among each mode's pages, in the same minutes: a page's share is taken of the
ceiling beside it, so a machine whose speed drifts during the run (a shared virtual machine's does) compares
like with like. The whole run's ceiling stands in for reports written before ``ceilings`` existed.
"""

from dataclasses import dataclass

PAGES = {
    "home": "Home",
    "guide": "Article (the IVIG therapy guide)",
    "condition": "Condition (ITP)",
    "product": "Product (most articles)",
    "side_effect": "Side effect (most articles)",
    "list": "Article list, first page",
    "list_deep": "Article list, last page",
    "search": "Search, common term",
    "search_rare": "Search, rare term",
    "sitemap": "Sitemap",
    "feed": "RSS feed",
}
MODES = ("cold", "warm")

GUIDE_COLD_SHARE = 0.15
WARM_SHARE = 0.9
P50_CHANGE = 0.15
SEARCH_P50_MS = 50
SEARCH_AT = 10_000


@dataclass(frozen=True)
class Target:
    goal: str
    met: bool | None  # None: not measured in this run
    figure: str


def ceiling_of(results, size, mode):
    """The bare view's figures measured beside ``mode``'s pages of ``size``, else the whole run's."""
    return size.get("ceilings", {}).get(mode) or results["ceiling"]


def share(ceiling, figures):
    """This page's rate as a fraction of the bare Django view's, or None if either is unknown."""
    rate = figures.get("rps")
    if not ceiling.get("rps") or rate is None:
        return None
    return rate / ceiling["rps"]


def relative_p50(ceiling, figures):
    """A page's p50 in units of the bare view's p50 measured beside it: what drift leaves unchanged."""
    p50, base = figures.get("p50_ms"), ceiling.get("p50_ms")
    return None if p50 is None or not base else p50 / base


def _ms(value):
    return "none completed" if value is None else f"{value:,.1f} ms"


def _p50_change(small, large):
    if small is None or large is None:
        return None
    return (large - small) / small


def targets(results):
    """The issue's targets, in its order, each met or missed (or not measured) with the figure behind it."""
    sizes = results["sizes"]
    found = []
    for size in sizes:
        label = f"{size['size']:,} articles"
        guide = size["cold"].get("guide", {})
        ratio = share(ceiling_of(results, size, "cold"), guide)
        found.append(
            Target(
                f"IVIG guide, cache cold, ≥ {GUIDE_COLD_SHARE} of the bare view ({label})",
                None if ratio is None else ratio >= GUIDE_COLD_SHARE,
                "not measured" if ratio is None else f"{ratio:.3f} ({guide['rps']:,.1f} req/s)",
            )
        )
        guide = size["warm"].get("guide", {})
        ratio = share(ceiling_of(results, size, "warm"), guide)
        found.append(
            Target(
                f"IVIG guide, cache warm, ≥ {WARM_SHARE} of the bare view ({label})",
                None if ratio is None else ratio >= WARM_SHARE,
                "not measured" if ratio is None else f"{ratio:.3f} ({guide['rps']:,.1f} req/s)",
            )
        )
        warm_ceiling = ceiling_of(results, size, "warm")
        shares = {name: share(warm_ceiling, figures) for name, figures in size["warm"].items()}
        below = sorted((value or 0.0, name) for name, value in shares.items() if (value or 0.0) < WARM_SHARE)
        found.append(
            Target(
                f"Every reader page, cache warm, ≥ {WARM_SHARE} of the bare view ({label})",
                None if not shares else not below,
                "all at or above"
                if shares and not below
                else "; ".join(f"{PAGES.get(name, name)} {value:.3f}" for value, name in below) or "not measured",
            )
        )
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        for mode in MODES:
            # Each p50 in units of the ceiling's p50 beside it, so a machine that sped up or slowed down between
            # the two sizes does not pass for the page; the raw change is shown beside it.
            small_ceiling, large_ceiling = ceiling_of(results, small, mode), ceiling_of(results, large, mode)
            changes = {
                name: (
                    _p50_change(
                        relative_p50(small_ceiling, small[mode][name]),
                        relative_p50(large_ceiling, large[mode].get(name, {})),
                    ),
                    _p50_change(small[mode][name].get("p50_ms"), large[mode].get(name, {}).get("p50_ms")),
                )
                for name in small[mode]
            }
            over = [
                (name, change, raw) for name, (change, raw) in changes.items() if change is None or change > P50_CHANGE
            ]
            figure = "; ".join(
                f"{PAGES.get(name, name)} "
                + ("no request completed" if change is None else f"{change:+.0%} (raw {raw:+.0%})")
                for name, change, raw in sorted(over, key=lambda item: -(item[1] if item[1] is not None else 1e9))
            )
            found.append(
                Target(
                    f"No page's p50 up more than {P50_CHANGE:.0%} from {small['size']:,} to {large['size']:,} "
                    f"articles, against the ceiling's p50 beside it (cache {mode})",
                    not over,
                    figure or "all within",
                )
            )
    else:
        found.append(Target(f"No page's p50 up more than {P50_CHANGE:.0%} between sizes", None, "one size only"))
    at_scale = [size for size in sizes if size["size"] >= SEARCH_AT]
    if at_scale:
        size = at_scale[-1]
        # As the issue measured it: one request at a time, p50.
        figures = [
            (f"{PAGES[name]}, {mode}", size[mode][name].get("single_ms"))
            for mode in MODES
            for name in ("search", "search_rare")
            if name in size[mode]
        ]
        missed = [(label, p50) for label, p50 in figures if p50 is None or p50 >= SEARCH_P50_MS]
        found.append(
            Target(
                f"Search p50, one request at a time, under {SEARCH_P50_MS} ms at {size['size']:,} articles",
                bool(figures) and not missed,
                "; ".join(f"{label} {_ms(p50)}" for label, p50 in figures) or "not measured",
            )
        )
    else:
        found.append(Target(f"Search p50 under {SEARCH_P50_MS} ms at {SEARCH_AT:,} articles", None, "not measured"))
    return found


def verdict(met):
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def _rate(figures):
    if figures.get("rps") is None:
        return "–"
    if not figures.get("requests"):
        return "0 (none completed)"
    return f"{figures['rps']:,.1f}"


def _ratio(ceiling, figures):
    value = share(ceiling, figures)
    return "–" if value is None else f"{value:.3f}"


def _latency(value):
    return "–" if value is None else f"{value:,.1f}"


def size_table(results, size):
    lines = [
        "| page | cold req/s | cold × ceiling | cold p50 ms | cold p99 ms | warm req/s | warm × ceiling "
        "| warm p50 ms | warm p99 ms | queries cold / warm | bytes | one at a time, cold / warm ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    cold_ceiling, warm_ceiling = ceiling_of(results, size, "cold"), ceiling_of(results, size, "warm")
    for name, path in size["pages"].items():
        cold, warm = size["cold"].get(name, {}), size["warm"].get(name, {})
        errors = sum(figures.get("errors", 0) for figures in (cold, warm))
        status = {figures.get("status") for figures in (cold, warm)} - {None, 200}
        notes = f" ({errors:,} timeouts or errors)" if errors else ""
        if status:
            notes += f" (status {', '.join(map(str, sorted(status)))})"
        lines.append(
            f"| {PAGES.get(name, name)} `{path}`{notes} | {_rate(cold)} | {_ratio(cold_ceiling, cold)} "
            f"| {_latency(cold.get('p50_ms'))} | {_latency(cold.get('p99_ms'))} | {_rate(warm)} "
            f"| {_ratio(warm_ceiling, warm)} | {_latency(warm.get('p50_ms'))} | {_latency(warm.get('p99_ms'))} "
            f"| {cold.get('queries', '–')} / {warm.get('queries', '–')} | {cold.get('bytes', 0):,} "
            f"| {_latency(cold.get('single_ms'))} / {_latency(warm.get('single_ms'))} |"
        )
    return "\n".join(lines)


def render(results):
    """The whole report as Markdown."""
    machine, options, ceiling = results["machine"], results["settings"], results["ceiling"]
    unmeasured = ", ".join(f"{size:,}" for size in results.get("still_to_measure", []))
    out = [
        "# Benchmark report",
        "",
        "Written by `make bench` (`python -m bench`); see README.md, “Benchmark”. Timings are this machine's, "
        "in this run: compare rows within it, not with another machine's report.",
        "",
        *([f"**This run stopped before it measured {unmeasured} articles.**", ""] * bool(unmeasured)),
        "## Machine and run",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        f"- load: `wrk -t1 -c{options['connections']} -d{options['duration']}s --latency`, "
        f"{options['rounds']} rotated round(s) per page (medians), "
        f"{options['warmup']} warm-up requests per worker and page; "
        f"gunicorn with {options['workers']} sync workers, DEBUG off, PostgreSQL",
        f"- cache: `CACHE_URL={options['cache']}`, emptied before each mode; cold: `DJANGO_PAGE_CACHE=false` "
        "(every page rendered for every request, as right after a publish; the shared state such as the content "
        "generation stays cached, as in production); warm: pages cached, each requested once before it is measured",
        "- queries, bytes and “one at a time”: in-process through Django's test client against the same database "
        "and cache, with the servers stopped: each page requested once to prime the process (and the cache, "
        "when warm), then 5 times; the median time",
        "",
        "## The ceiling",
        "",
        "A bare Django view rendering a small template with no query (`bench/ceiling.py`), served by gunicorn "
        f"the same way: **{ceiling['rps']:,.1f} requests/s**, p50 {_latency(ceiling.get('p50_ms'))} ms, "
        f"p99 {_latency(ceiling.get('p99_ms'))} ms (median of {ceiling.get('runs', 0)} runs). Each page's "
        "share is of the ceiling measured among the same mode's pages, in the same minutes:",
        "",
        *(
            f"- {size['size']:,} articles, cache {mode}: {figures['rps']:,.1f} requests/s, "
            f"p50 {_latency(figures.get('p50_ms'))} ms"
            for size in results["sizes"]
            for mode, figures in size.get("ceilings", {}).items()
        ),
        "",
        "## Targets",
        "",
        "| target | result | measured |",
        "|---|---|---|",
        *(f"| {target.goal} | {verdict(target.met)} | {target.figure} |" for target in targets(results)),
        "",
    ]
    for size in results["sizes"]:
        counts = ", ".join(f"{value:,} {key}" for key, value in size["counts"].items())
        out += [f"## {size['size']:,} published articles", "", f"Dataset: {counts}.", "", size_table(results, size), ""]
    return "\n".join(out)
