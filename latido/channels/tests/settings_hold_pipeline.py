"""Settings of the kill -9 pipeline test's processes: production ones plus the hold handler."""

from config.settings import *  # noqa: F403
from config.settings import LATIDO_EVENT_PIPELINE

LATIDO_EVENT_PIPELINE = ["latido.channels.tests.hold_pipeline.hold_replies",
                         *LATIDO_EVENT_PIPELINE]
