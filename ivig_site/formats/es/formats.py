# Dates as readers see them in Spanish: "6 de diciembre de 2026".
DATE_FORMAT = r"j \d\e F \d\e Y"
