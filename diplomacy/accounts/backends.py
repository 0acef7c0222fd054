"""Authentication with Django's model backend, minus the permission queries nobody needs.

Only staff (editors) and superusers hold permissions in this app. Contributors are
asked about permissions on every page (may they moderate? preview drafts?), and each
answer would cost two queries; for them the answer is known without asking.
"""

from django.contrib.auth.backends import ModelBackend


class StaffPermissionsBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not (user_obj.is_staff or user_obj.is_superuser):
            return set()
        return super().get_all_permissions(user_obj, obj)
