"""Sign-in (GitHub, OpenID Connect, a trusted proxy), sessions, CSRF and API tokens.

Other parts of the web layer use `csrf_token(principal)` in their forms and add
`Depends(check_csrf)` to every router with state-changing routes.
"""

from netgain.service.web.auth.csrf import check_csrf, csrf_token

__all__ = ["check_csrf", "csrf_token"]
