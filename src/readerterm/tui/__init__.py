"""The Textual reader: three panes over the library. The only package that imports textual."""
