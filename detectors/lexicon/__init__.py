"""Word lists for the recognizers: data only, one module per subject (no logic beyond building sets)."""
