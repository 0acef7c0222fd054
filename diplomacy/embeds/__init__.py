"""Embeds: a topic's estimates and history as a small page other sites may frame, and oEmbed."""
