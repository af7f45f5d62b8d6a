"""From untrusted bytes to checked tables: safety checks, the isolated reader, cell parsing, validation and diff.

Every upload passes ``safety`` before any reader sees it, is parsed in a bounded ``worker`` process, and is
checked by ``validate`` (every problem at once); ``diff`` lists what it changes. Imports ``indicators.domain``
only.
"""
