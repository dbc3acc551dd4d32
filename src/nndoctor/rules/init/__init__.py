"""Rules about init."""
