"""A tiny Flask app with Flask-CORS whose CORS settings are tested by cors-doctor (test_cors.py)."""

from flask import Flask, jsonify, request
from flask_cors import CORS

FRONT_END = "http://localhost:5173"

app = Flask(__name__)


@app.get("/items")
def list_items():
    return jsonify(items=[1, 2, 3])


@app.put("/items")
def save_items():
    return jsonify(request.get_json(silent=True) or {})


@app.get("/me")
def me():
    return jsonify(user="ada")


CORS(app, origins=[FRONT_END], supports_credentials=True, methods=["GET", "PUT"], allow_headers=["Content-Type"])
