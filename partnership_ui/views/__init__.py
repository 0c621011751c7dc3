"""Page bodies: what each page of `pages/` draws, built from the shared widgets.

A page file only calls `bootstrap(page_name)` and the body's `render_*_page()`.
"""
