"""Jira Cloud: projects, accounts, and issues with comments and status transitions."""

from connectors.jira._adf import adf_to_text
from connectors.jira._config import JiraConfig
from connectors.jira._connector import JiraConnector

__all__ = ["JiraConfig", "JiraConnector", "adf_to_text"]
