"""labeling: regulatory labeling documents from one typed YAML source, verified on the finished artifacts."""

__version__ = "0.1.0"
