from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """
    django-axes' lockout check, for logins made over HTTP. Every login form passes the request;
    ``authenticate()`` called without one (management commands, the test client's ``login()``) is
    not a login attempt from the network and is left to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
