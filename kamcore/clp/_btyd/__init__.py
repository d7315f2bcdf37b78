"""Buy-till-you-die repeat-buying and contractual retention models."""
