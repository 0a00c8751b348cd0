"""render/explain"""
