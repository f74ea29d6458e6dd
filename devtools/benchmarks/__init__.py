"""The figures ``manage.py bench`` prints, a module for each app they measure,
named for its label; each figure's goal is given beside it."""
