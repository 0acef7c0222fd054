"""Being built in this session; replaced before it lands."""

from django.http import Http404


def _later(*args, **kwargs):
    raise Http404("Not built yet.")


development_list = development_detail = topic_developments = _later
