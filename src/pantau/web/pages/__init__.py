"""HTML pages. Each renders the dict of a service function, which its ``.json`` twin returns."""
