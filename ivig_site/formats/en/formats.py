# Dates as readers see them in English: "December 6, 2026" (the templates say date:"DATE_FORMAT").
DATE_FORMAT = "F j, Y"
