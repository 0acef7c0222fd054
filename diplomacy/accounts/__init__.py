"""Accounts: signing up; everything else is Django's auth views in the site's style."""
