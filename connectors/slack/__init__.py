"""Slack: workspace members, conversations, and messages with their thread replies."""

from connectors.slack._config import SlackConfig
from connectors.slack._connector import SlackConnector
from connectors.slack._mrkdwn import to_plain_text

__all__ = ["SlackConfig", "SlackConnector", "to_plain_text"]
