"""dl-advisor: choose a deep-learning prototyping framework and deployment runtime."""

__version__ = "0.1.0"
