from .workflow import publish_due


class PublishDueMiddleware:
    """
    Puts scheduled new versions live before any page is built, so readers get them at their time
    with no cron job or worker. When nothing is due it costs one read of the shared cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        publish_due()
        return self.get_response(request)
