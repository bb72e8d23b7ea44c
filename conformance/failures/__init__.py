"""What can go wrong, and how it is filed: the one failure hierarchy, the categories and kinds a
report sorts failures into, and the baseline of failures already known."""
