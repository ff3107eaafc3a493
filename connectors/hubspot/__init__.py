"""HubSpot CRM connector: deals and their stage changes, notes, companies, contacts, owners."""

from connectors.hubspot._config import HubSpotConfig
from connectors.hubspot._connector import HubSpotConnector

__all__ = ["HubSpotConfig", "HubSpotConnector"]
