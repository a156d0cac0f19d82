"""The report: does connecting people at random help? Figures, charts and open data."""
