"""OpenAPI: every operation also documents the error responses it can give (400, 404, 429)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

JSON = "application/json"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


FIELD_ERRORS = {
    "type": "object",
    "description": "Each bad query parameter, with what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"year": ["Ensure this value is less than or equal to 2100."]},
}


class ApiAutoSchema(AutoSchema):
    def get_response_serializers(self):
        success = super().get_response_serializers()
        responses = {(200, JSON): success}
        if "text/csv" in self.map_renderers("media_type"):
            responses[(200, "text/csv")] = OpenApiResponse(OpenApiTypes.STR, description="The page as CSV.")
        if self._is_list_view(success):
            responses[(400, JSON)] = OpenApiResponse(FIELD_ERRORS, description="Invalid query parameters.")
        responses[(404, JSON)] = OpenApiResponse(
            ErrorSerializer, description="No such public object or page."
        )
        responses[(429, JSON)] = OpenApiResponse(
            ErrorSerializer, description="Rate limit exceeded; the Retry-After header says when to retry."
        )
        return responses
