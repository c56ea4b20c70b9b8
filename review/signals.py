from django.dispatch import Signal

# Sent (sender: the model) after any change to what readers see that saves no row through the ORM's signals:
# a workflow transition, or page parts stored in bulk. ``record`` is the changed record, or None for many.
# The page cache listens.
reader_content_changed = Signal()

# Sent (sender: the model) when a duplicate record is folded into another one, before the duplicate is deleted:
# ``record`` is the duplicate, ``into`` the record that survives. Partners are told the duplicate is gone.
records_merged = Signal()
