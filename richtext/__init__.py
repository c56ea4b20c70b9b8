"""
Rich text and images as editors write them: the sanitizing field, the HTML allowlist, the editor's
image upload view (``fields``) and the rules for every uploaded image (``uploads``). Every app that
stores editors' HTML or pictures uses these; they depend on no app of ours.
"""
