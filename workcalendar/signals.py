from . import workdays


def clear_workday_cache(sender, **kwargs):
    workdays.clear_cache()
