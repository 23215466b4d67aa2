"""The Copier blueprints `scaffold new` generates from (see DESIGN.md)."""
