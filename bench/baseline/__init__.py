"""The bare baseline `make bench` compares the portal with: Django + DRF, one view inserting one row."""
