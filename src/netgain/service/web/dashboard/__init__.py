"""The dashboard: server-rendered pages of the organisation's view (issue 14).

`router` is included by `netgain.service.web.mount`; templates and static files ship in this
package (no CDN, no external font).
"""

from netgain.service.web.dashboard.routes import router

__all__ = ["router"]
