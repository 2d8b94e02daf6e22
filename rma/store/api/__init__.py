"""The shop API under /api/v1/store/."""
