"""What the admin's instrument add form posts, for tests that drive the real admin views."""

from exchanges.models import Exchange

INSTRUMENT_ADD_URL = "/admin/exchanges/instrument/add/"


def instrument_form(exchange: Exchange, **fields: str) -> dict:
    """Every field of the add form, blank where the admin leaves it blank, `fields` on top."""
    data = {
        "exchange": exchange.pk,
        "symbol": "",
        "pair": "",
        "base": "",
        "quote": "",
        "kind": "",
        "contract_size": "",
        "tick_size": "",
        "consolidate_into": "",
        "enabled": "on",
        "depth": "1000",
        "stale_after": "30",
    }
    data.update(fields)
    return data
