"""The shop pages under /store/."""
