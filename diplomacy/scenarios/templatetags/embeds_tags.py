"""The iframe snippet a topic page offers other sites (diplomacy/embeds): a tag, because the page's
cached parts are rendered without the request, so without the site's address in their context."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

from diplomacy.embeds import oembed
from diplomacy.scenarios.models import Topic

register = template.Library()


@register.simple_tag
def embed_code(topic: Topic) -> SafeString:
    """The topic's iframe snippet as text for a textarea: escaped, so it shows and copies as written."""
    return escape(oembed.snippet(topic.slug, topic.title))
