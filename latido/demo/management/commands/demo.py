"""`latido demo`: load a believable support department with three months of history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse
from django.utils.translation import gettext as _

from latido.core.errors import DomainError
from latido.demo.build import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load demo data (teams, agents, customers, tickets) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=3000)
        parser.add_argument("--customers", type=int, default=200)
        parser.add_argument("--organizations", type=int, default=None,
                            help=_("Default: one per five customers."))
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help=_("Password of the demo sign-ins."))

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = options["organizations"] or max(1, options["customers"] // 5)

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 0:
                self.stderr.write(_("  %(done)d of %(total)d tickets") % {
                    "done": done, "total": total})

        if options["verbosity"] > 0:
            self.stderr.write(_("Loading demo data…"))
        try:
            result = build_demo(
                tickets=options["tickets"], customers=options["customers"],
                organizations=organizations, days=options["days"], seed=options["seed"],
                password=options["password"], progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if result.created:
            self.stdout.write(_(
                "Demo data loaded: %(tickets)d tickets, %(customers)d customers in "
                "%(orgs)d organizations, %(staff)d staff (%(seconds).0f s).") % {
                    "tickets": result.tickets, "customers": result.customers,
                    "orgs": result.organizations, "staff": result.staff,
                    "seconds": result.seconds})
            password = options["password"]
        else:
            self.stdout.write(_("Demo data is already loaded; nothing was added."))
            password = _("(the password given when the demo was loaded; default %(pw)s)") % {
                "pw": DEMO_PASSWORD}
        self.stdout.write(_("Sign in at %(url)s as:") % {"url": settings.BASE_URL})
        width = max((len(label) for label, _email in result.sign_ins), default=0)
        for label, email in result.sign_ins:
            self.stdout.write(f"  {label.ljust(width)}  {email}")
        self.stdout.write(_("Password: %(password)s") % {"password": password})
        self.stdout.write(_("Live chat and the contact form, as a visitor: %(url)s") % {
            "url": f"{str(settings.BASE_URL).rstrip('/')}{reverse('demo:site')}"})
