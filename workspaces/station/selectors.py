"""Reads of the liaison officer's workspace. Each function costs a fixed
number of queries whatever the station's history (the tests pin them)."""

from proposals.models import Case, Channel
from stations.models import Station


def recent_entries(station: Station, limit: int = 20):
    """The latest paper / reception-day entries of a station (masked phones only)."""
    return (
        Case.objects.filter(station=station, channel__in=[Channel.PAPER, Channel.RECEPTION])
        .only("pk", "tracking_code", "title", "channel", "received_on", "phone_masked", "state", "submitted_at")
        .order_by("-submitted_at", "-id")[:limit]
    )
