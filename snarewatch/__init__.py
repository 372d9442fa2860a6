"""snarewatch: find wildlife-trafficking ads and deceptive UI patterns on the web, cheaply."""

__version__ = "0.1.0"
