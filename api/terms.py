"""
The terms partners take our content under, sent with every API record and every Infobutton entry: the licence and
the attribution, in the active language (the defaults are translated; a value set in the environment is sent as
written).
"""

from django.conf import settings


def licence():
    return str(settings.API_LICENCE)


def attribution(url):
    """Whose reviewed content it is, with the address of the record's page."""
    return str(settings.API_ATTRIBUTION).format(site=settings.SITE_NAME, url=url)
