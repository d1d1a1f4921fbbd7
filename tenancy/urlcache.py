"""``reverse`` for the addresses every page writes (the navigation, the top bar): an address with no
arguments never changes while the process runs, so it is reversed once per URLconf and script
prefix and remembered. Django's ``reverse`` costs 30-50 µs a call and each page made about forty
(issue 21's profile). Calls with arguments go to Django's ``reverse`` as before."""

import functools

from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


@functools.lru_cache(maxsize=1024)
def _remembered(viewname: str, urlconf, prefix: str) -> str:
    return django_reverse(viewname, urlconf=urlconf)


def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None, query=None):
    """Django's ``reverse`` (same arguments, same result, same NoReverseMatch), remembered when
    ``viewname`` is a name and there are no arguments. The key holds the URLconf and the script
    prefix, so a test that overrides ROOT_URLCONF or a request under another SCRIPT_NAME gets its
    own address."""
    if args or kwargs or current_app or query or not isinstance(viewname, str):
        return django_reverse(
            viewname,
            urlconf=urlconf,
            args=args,
            kwargs=kwargs,
            current_app=current_app,
            query=query,
        )
    return _remembered(viewname, urlconf or get_urlconf(), get_script_prefix())
