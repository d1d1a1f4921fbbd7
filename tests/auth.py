from accounts.testing import VerifiedClient, authenticator_for, current_code

__all__ = ["VerifiedClient", "authenticator_for", "current_code"]
