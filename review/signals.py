from django.dispatch import Signal

# Sent (sender: the model) after any change to what readers see that saves no row through the ORM's signals:
# a workflow transition, or page parts stored in bulk. ``record`` is the changed record, or None for many.
# The page cache listens.
reader_content_changed = Signal()

# Sent (sender: the model) just before a duplicate is deleted by merging it into another record: ``record`` is the
# duplicate, ``into`` the record that replaces it. Partners are told where it went.
records_merged = Signal()
