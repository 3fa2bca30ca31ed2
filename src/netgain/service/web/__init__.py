"""The web layer of `netgain serve`: sign-in (`auth`), the REST API (`api`), the dashboard
(`dashboard`), all behind the access model of `netgain.service.access`."""
