"""The built-in module library, registered through the `cst.modules` entry point like any plugin."""
