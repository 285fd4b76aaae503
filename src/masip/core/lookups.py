"""`__in` on integer columns ignores numbers the column cannot hold.

Django already treats an out-of-range number in `exact`, `gt`, `gte`, `lt` and
`lte` on an integer field as matching nothing (or everything)
(django.db.models.lookups.IntegerFieldOverflow), but not in `in`: on SQLite
`User.objects.filter(pk__in=[2**64])` raises OverflowError. The project's
forms read ids with core.ids.parse_id first; this is the safety net for every
other query built from user input (the admin's many-to-many fields, for one).
Registered in CoreConfig.ready().
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
