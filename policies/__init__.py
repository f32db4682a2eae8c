"""Policies that are not remote models but speak the chat-model interface: scripted test doubles and the
reference-solution oracle. They sit above the agent (they may import graph, nodes, tools and webenv) and
register model-string prefixes (`scripted:`, `reference:`, `oracle:`) in `graph.models`."""
