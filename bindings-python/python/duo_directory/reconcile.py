"""Reconcile a directory into Duo: ``plan`` (pure, sends nothing) gives a reviewable ``Plan``
(``to_json`` / ``Plan.from_json``); ``Client.apply(plan)`` applies it and returns a ``Report``.

The mapping is a dict (or its JSON text) with any of ``username_from`` (``email``,
``email_local_part``, ``idp_id``, ``attribute:NAME``), ``fields``, ``realname`` (a template),
``inactive`` (``trash`` or ``disable``), ``scope`` (``directory``, ``group:NAME``,
``pattern:GLOB``), ``directory_id`` and ``directory_key``.
"""

from ._native import FieldChange, Outcome, Plan, PlanEntry, Report, plan, plan_events

__all__ = ["FieldChange", "Outcome", "Plan", "PlanEntry", "Report", "plan", "plan_events"]
