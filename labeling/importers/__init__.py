"""Importers: published documents of other systems → a starting content file (pandoc's readers, the other way
round: a format in, typed facts out). ``labeling.importers.spl`` reads FDA Structured Product Labeling."""
