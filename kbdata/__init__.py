"""The embedded, curated KB catalogue shipped with kbscan (data files only; see README.md here)."""
