"""The public pages and data endpoints, by job: directory, pages, open data. Views parse,
call a selector or the PoleFilter, render."""
