"""Salesforce connector: opportunities and their stage changes, tasks, notes, accounts,
contacts and users, over the REST API with SOQL."""

from connectors.salesforce._config import SalesforceConfig
from connectors.salesforce._connector import SalesforceConnector

__all__ = ["SalesforceConfig", "SalesforceConnector"]
