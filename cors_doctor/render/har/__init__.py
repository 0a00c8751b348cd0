"""render/har"""
